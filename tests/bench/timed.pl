# tests/bench/timed.pl INPUT OUT CMD...: the benchmarks' timer.  Runs CMD
# with standard input from INPUT, standard output to OUT.out and standard
# error to OUT.err, and prints "WALL CPU": seconds on the monotonic clock,
# and CPU seconds (user + system) of CMD and its children.
use strict;
use warnings;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

my ($in, $out) = (shift, shift);
open(my $res, ">&", \*STDOUT) or die "stdout: $!\n";
open(STDIN, "<", $in) or die "$in: $!\n";
open(STDOUT, ">", "$out.out") or die "$out.out: $!\n";
open(STDERR, ">", "$out.err") or die "$out.err: $!\n";
my @c0 = times;
my $t = clock_gettime(CLOCK_MONOTONIC);
system(@ARGV);
my $w = clock_gettime(CLOCK_MONOTONIC) - $t;
my @c1 = times;
printf $res "%.3f %.2f\n", $w, $c1[2] + $c1[3] - $c0[2] - $c0[3];
