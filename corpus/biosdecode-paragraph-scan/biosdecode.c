/* Models a biosdecode-like scanner: reads 0xE0000-0xFFFFF through a cross-file wrapper and
 * looks at every 16-byte paragraph for the known BIOS anchors (_SM_, _DMI_, $PnP, RSD PTR,
 * $PIR, _32_). Checks: wrapper call-site range (acpi-rsdp-window) and one DM005 per compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *devmem = "/dev/mem";

static void report(const char *what, unsigned long addr)
{
	printf("%s present at 0x%05lX.\n", what, addr);
}

int main(int argc, char *argv[])
{
	unsigned char *buf;
	unsigned long fp;
	int c;

	while ((c = getopt(argc, argv, "d:")) != -1) {
		if (c == 'd')
			devmem = optarg;
		else {
			fprintf(stderr, "usage: %s [-d DEVICE]\n", argv[0]);
			return 2;
		}
	}

	buf = mem_chunk(0xE0000, 0x20000, devmem); // CHECK: DM002 range=0xe0000-0xfffff class=acpi-rsdp-window
	if (buf == NULL)
		return 1;

	for (fp = 0; fp <= 0x1FFF0; fp += 16) {
		const unsigned char *p = buf + fp;
		unsigned long addr = 0xE0000 + fp;

		if (memcmp(p, "_SM_", 4) == 0) // CHECK: DM005
			report("SMBIOS", addr);
		else if (memcmp(p, "_DMI_", 5) == 0) // CHECK: DM005
			report("Legacy DMI", addr);
		else if (memcmp(p, "$PnP", 4) == 0) // CHECK: DM005
			report("PNP BIOS", addr);
		else if (memcmp(p, "RSD PTR ", 8) == 0) // CHECK: DM005
			report("ACPI", addr);
		else if (memcmp(p, "$PIR", 4) == 0) // CHECK: DM005
			report("PCI Interrupt Routing", addr);
		else if (memcmp(p, "_32_", 4) == 0) // CHECK: DM005
			report("BIOS32 Service Directory", addr);
	}
	free(buf);
	return 0;
}
