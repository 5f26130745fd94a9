/* t-val.c: value trees: Python equality, truth, sharing, maps */
#include "tap.h"
#include "val.h"

int main(void)
{
	struct ztp_val *m = ztp_val_map(), *l = ztp_val_list(), *c, *a, *b;

	/* Python: 1 == 1.0 == True, and dict keys follow that */
	a = ztp_val_int(1);
	b = ztp_val_float(1.0);
	ok(ztp_val_eq(a, b), "1 == 1.0");
	ztp_val_unref(b);
	b = ztp_val_bool(1);
	ok(ztp_val_eq(a, b), "1 == True");
	ztp_val_unref(b);
	b = ztp_val_str("1");
	ok(!ztp_val_eq(a, b), "1 != '1'");
	ztp_val_unref(b);

	ztp_map_setv(m, ztp_val_ref(a), ztp_val_str("one"));
	b = ztp_val_float(1.0);
	is_str(ztp_map_getv(m, b)->u.str.s, "one", "m[1.0] finds m[1]");
	ztp_val_unref(b);
	ztp_val_unref(a);

	/* insertion order, replacement, deletion */
	ztp_map_set_str(m, "b", "x");
	ztp_map_set_str(m, "a", "y");
	ztp_map_set_str(m, "b", "z");
	is_int(ztp_val_len(m), 3, "replacing keeps the count");
	is_str(m->u.map.e[1].key->u.str.s, "b", "insertion order kept");
	is_str(ztp_map_str(m, "b"), "z", "value replaced");
	ok(ztp_map_del(m, "b") && ztp_map_get(m, "b") == NULL, "deleted");
	is_str(m->u.map.e[1].key->u.str.s, "a", "order after delete");

	/* sharing: a list in two places is one list (Python semantics) */
	ztp_map_set(m, "l", ztp_val_ref(l));
	ztp_list_push(l, ztp_val_int(5));
	is_int(ztp_val_len(ztp_map_get(m, "l")), 1, "append seen through the map");
	c = ztp_val_copy(m);
	ztp_list_push(l, ztp_val_int(6));
	is_int(ztp_val_len(ztp_map_get(c, "l")), 1, "deep copy is independent");
	ok(!ztp_val_eq(c, m), "copy differs after change");
	ztp_val_unref(c);

	/* truth */
	a = ztp_val_str("");
	ok(!ztp_val_truthy(a), "'' is false");
	ztp_val_unref(a);
	ok(ztp_val_truthy(l), "non-empty list is true");
	ok(!ztp_val_truthy(NULL), "undefined is false");

	/* paths */
	ztp_map_set(m, "facts", ztp_val_map());
	ztp_map_set_str(ztp_map_get(m, "facts"), "serial", "FOC1");
	is_str(ztp_val_path(m, "facts.serial")->u.str.s, "FOC1", "dotted path");
	ok(ztp_val_path(m, "facts.nothing.deeper") == NULL, "missing path is NULL");

	ztp_val_unref(l);
	ztp_val_unref(m);
	return done_testing();
}
