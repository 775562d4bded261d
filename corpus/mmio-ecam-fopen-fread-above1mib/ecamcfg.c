/* Models a PCIe config-space dumper that reads the ECAM window directly with stdio instead of
 * /sys/bus/pci/devices/.../config. The ECAM base 0xE0000000 is far above 1 MiB (not the
 * 0xE0000 ACPI window). Checks: DM001 at fopen, DM003 at fread after fseek, above-1mib. */
#include <stdio.h>

#define ECAM_BASE 0xE0000000L

int main(void)
{
	unsigned char cfg[256];
	FILE *mem = fopen("/dev/mem", "rb"); // CHECK: DM001
	int i;

	if (mem == NULL)
		return 1;
	if (fseek(mem, ECAM_BASE, SEEK_SET) != 0 || fread(cfg, 1, sizeof(cfg), mem) != sizeof(cfg)) { // CHECK: DM003 range=0xe0000000-0xe00000ff class=above-1mib
		fclose(mem);
		return 1;
	}
	fclose(mem);
	for (i = 0; i < 256; i++)
		printf("%02x%c", cfg[i], (i % 16 == 15) ? '\n' : ' ');
	return 0;
}
