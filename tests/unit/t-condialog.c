/* t-condialog: the console recogniser (ztp_con_classify) on the published
 * strings of each situation, with syslog messages after and inside them,
 * and the syslog detector. */
#include <string.h>

#include "condialog.h"
#include "tap.h"

static enum ztp_con_sit cls(const char *s, char *line, size_t lsz)
{
	return ztp_con_classify(s, strlen(s), line, lsz);
}

#define SIT(text, want, name) do { \
	char l_[256]; \
	enum ztp_con_sit s_ = cls(text, l_, sizeof l_); \
	is_str(ztp_con_sit_name(s_), ztp_con_sit_name(want), name); \
} while (0)

int main(void)
{
	char line[256];

	SIT("", ZTP_CON_NOTHING, "empty: nothing");
	SIT("\r\nSystem Bootstrap, Version 16.12(2r)\r\nbooting...\r\n", ZTP_CON_NOTHING,
	    "boot messages: nothing");
	SIT("\r\n\r\nPress RETURN to get started!\r\n\r\n\r\n", ZTP_CON_PRESS_RETURN,
	    "Press RETURN, blank lines after it");
	SIT("\nPress ENTER to get started.\n", ZTP_CON_PRESS_RETURN, "VRP Press ENTER");
	SIT("         --- System Configuration Dialog ---\r\n\r\nWould you like to enter the "
	    "initial configuration dialog? [yes/no]: ", ZTP_CON_SETUP, "IOS dialog");
	SIT("Continue with configuration dialog? [yes/no]:", ZTP_CON_SETUP, "IOS dialog, older form");
	SIT("% Please answer 'yes' or 'no'.\r\nWould you like to enter the initial configuration "
	    "dialog? [yes/no]: ", ZTP_CON_SETUP, "the dialog asked again");
	SIT("\r\n  Enter enable secret: ", ZTP_CON_SETUP_SECRET, "XE 17 enable secret");
	SIT("\r\n  Confirm enable secret: ", ZTP_CON_SETUP_CONFIRM, "XE 17 confirm");
	SIT("[2] Save this configuration to nvram and exit.\r\n\r\nEnter your selection [2]: ",
	    ZTP_CON_SETUP_MENU, "XE 17 menu");
	SIT("Enter your encryption selection [2]: ", ZTP_CON_SETUP_ENCRYPT, "XE 17 encryption");
	SIT("Would you like to terminate autoinstall? [yes]: ", ZTP_CON_AUTOINSTALL, "autoinstall");
	SIT("Abort Power On Auto Provisioning and continue with normal setup ?(yes/no)[n]: ",
	    ZTP_CON_POAP, "POAP, older form");
	SIT("Abort Power On Auto Provisioning [yes - continue with normal setup, skip - bypass "
	    "password and basic configuration, no - continue with Power On Auto Provisioning] "
	    "(yes/skip/no)[no]:", ZTP_CON_POAP, "POAP, newer form");
	SIT("Do you want to enforce secure password standard (yes/no) [y]: ", ZTP_CON_NXOS_SECURE,
	    "NX-OS secure password");
	SIT("  Enter the password for \"admin\": ", ZTP_CON_NXOS_ADMIN, "NX-OS admin password");
	SIT("  Confirm the password for \"admin\": ", ZTP_CON_NXOS_ADMIN2, "NX-OS confirm");
	SIT("Would you like to enter the basic configuration dialog (yes/no): ", ZTP_CON_SETUP,
	    "NX-OS basic dialog");
	SIT("  Enter root-system username: ", ZTP_CON_XR_USER, "XR user");
	SIT("  Enter secret: ", ZTP_CON_XR_SECRET, "XR secret");
	SIT("  Enter secret again: ", ZTP_CON_XR_SECRET2, "XR secret again");
	SIT("  Enter root-system username: RP/0/RP0/CPU0:Jun 30 12:00:00.000 UTC: envmon[187]: "
	    "%PKT_INFRA-FM-3-FAULT_MAJOR : ALARM_MAJOR :: Power Module Error :DECLARE :: 0/PM0-SP:\r\n",
	    ZTP_CON_XR_USER, "XR user with an envmon message printed into it");
	SIT("  Enter secret: RP/0/RP0/CPU0:Jun 30 12:00:00.000 UTC: envmon[187]: "
	    "%PKT_INFRA-FM-3-FAULT_MAJOR : ALARM_MAJOR ::\r\n", ZTP_CON_XR_SECRET,
	    "XR secret with a message printed into it");
	SIT("Continue to set it? [Y/N]: ", ZTP_CON_VRP_SET, "VRP first login");
	SIT("Please configure the login password (8-16)\r\nEnter Password:", ZTP_CON_VRP_PW, "VRP password");
	SIT("Confirm Password:", ZTP_CON_VRP_PW2, "VRP confirm");
	SIT("Warning: Auto-Config is working. Before configuring the device, stop Auto-Config. If "
	    "you perform configurations when Auto-Config is running, the DHCP, routing, DNS, and VTY "
	    "configurations will be lost. Do you want to stop Auto-Config? [y/n]:",
	    ZTP_CON_VRP_AUTOCONFIG, "VRP Auto-Config");
	SIT("\r\nAmnesiac (ttyu0)\r\n\r\nlogin: ", ZTP_CON_LOGIN, "JunOS login");
	SIT("\r\nUser Access Verification\r\n\r\nUsername: ", ZTP_CON_LOGIN, "Cisco Username:");
	SIT("switch login: ", ZTP_CON_LOGIN, "NX-OS/EOS login:");
	SIT("User Name:", ZTP_CON_LOGIN, "User Name:");
	SIT("Password: ", ZTP_CON_PASSWORD, "Password:");
	SIT("Enter PASSCODE:", ZTP_CON_PASSWORD, "PASSCODE");
	SIT("root@:RE:0% ", ZTP_CON_JUNOS_SHELL, "JunOS shell");
	SIT("root@% ", ZTP_CON_JUNOS_SHELL, "JunOS shell, short");
	SIT("Router#", ZTP_CON_PROMPT, "Router#");
	SIT("\r\nRouter>", ZTP_CON_PROMPT, "Router>");
	SIT("root> ", ZTP_CON_PROMPT, "root>");
	SIT("<HUAWEI>", ZTP_CON_PROMPT, "<HUAWEI>");
	SIT("RP/0/RSP0/CPU0:router#", ZTP_CON_PROMPT, "XR prompt");
	SIT("Router(config-if)#", ZTP_CON_CONFIG, "Cisco configuration mode");
	SIT("\r\n[edit interfaces]\r\nuser@router# ", ZTP_CON_CONFIG, "JunOS configuration mode");
	SIT("[HUAWEI-GigabitEthernet0/0/1]", ZTP_CON_CONFIG, "VRP system view");
	SIT("Exit with uncommitted changes? [yes,no] (yes) ", ZTP_CON_EXIT_CONFIRM, "JunOS uncommitted");
	SIT("Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:",
	    ZTP_CON_EXIT_CONFIRM, "XR uncommitted");
	SIT("interface Gi0/1\r\n --More-- ", ZTP_CON_PAGER, "--More--");
	SIT("ge-0/0/0\n---(more 42%)---", ZTP_CON_PAGER, "JunOS more");
	SIT("rommon 1 > ", ZTP_CON_ROMMON, "rommon");
	SIT("switch: ", ZTP_CON_SWITCH_BOOT, "switch:");
	SIT("grub> ", ZTP_CON_GRUB, "grub>");
	SIT("loader> ", ZTP_CON_LOADER, "loader>");
	SIT("Port already in use\r\n", ZTP_CON_BUSY, "ser2net busy");
	SIT("ttyS7 is being used by (admin) !!!\r\n", ZTP_CON_BUSY, "Cyclades busy");
	SIT("Password required, but none set\r\n", ZTP_CON_NO_PASSWORD, "no password set");

	/* syslog messages after the prompt */
	SIT("Router#\r\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/0, changed "
	    "state to up\r\n", ZTP_CON_PROMPT, "prompt under an IOS message");
	SIT("Router#\r\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: up\r\n*Mar  1 00:00:06.001: "
	    "%LINEPROTO-5-UPDOWN: Line protocol on Interface Gi0/0, changed state to up\r\n",
	    ZTP_CON_PROMPT, "prompt under two messages");
	SIT("switch login: \r\nDec  6 12:00:00 switch ZeroTouch: %ZTP-6-RETRY: Retrying Zero Touch "
	    "Provisioning\r\n", ZTP_CON_LOGIN, "login under an EOS ZTP message");
	SIT("Continue to set it? [Y/N]: \r\nDec  6 2026 12:00:00 HUAWEI %%01IFNET/4/LINK_STATE(l)[0]:"
	    "The line protocol IP on the interface GigabitEthernet0/0/1 has entered the UP state.\r\n",
	    ZTP_CON_VRP_SET, "VRP question under a VRP message");
	ok(cls("Router#\r\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: up\r\n", line, sizeof line) ==
	   ZTP_CON_PROMPT && !strcmp(line, "Router#"), "the decisive line is the prompt, not the message");

	/* the syslog detector */
	ok(ztp_con_is_syslog("*Mar  1 00:00:05.123: %LINK-3-UPDOWN: x", 40), "syslog: IOS");
	ok(ztp_con_is_syslog("%PNP-6-PNP_DISCOVERY_STOPPED: PnP Discovery stopped", 51), "syslog: PNP");
	ok(ztp_con_is_syslog("envmon[187]: %PKT_INFRA-FM-3-FAULT_MAJOR : ALARM", 48), "syslog: XR ' :'");
	ok(ztp_con_is_syslog("HUAWEI %%01IFNET/4/LINK_STATE(l)[0]:The", 39), "syslog: VRP");
	ok(!ztp_con_is_syslog("% Invalid input detected at '^' marker.", 39), "syslog: not a CLI error");
	ok(!ztp_con_is_syslog("Router#", 7), "syslog: not a prompt");
	ok(!ztp_con_is_syslog("100%-5-X:", 9), "syslog: not a number with a percent");
	/* a long tail: only its end counts */
	{
		static char big[20000];

		memset(big, 'x', sizeof big);
		for (size_t i = 80; i < sizeof big; i += 81)
			big[i] = '\n';
		memcpy(big + sizeof big - 8, "\nRouter#", 8);
		ok(ztp_con_classify(big, sizeof big, line, sizeof line) == ZTP_CON_PROMPT,
		   "a long output: the prompt at its end");
	}
	return done_testing();
}
