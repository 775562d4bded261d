/* Models a scanner whose configuration struct is statically initialised with a designated
 * initializer (.mem_device = "/dev/mem") and overridable with -m PATH.
 * Checks: DM001 at fopen(cfg.mem_device) and DM003 at fread after fseek (acpi-rsdp-window). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct config {
	const char *mem_device;
	int verbose;
};

static struct config cfg = {
	.mem_device = "/dev/mem",
	.verbose = 0,
};

static unsigned char win[0x10000];

int main(int argc, char **argv)
{
	FILE *f;
	int c;
	size_t off;

	while ((c = getopt(argc, argv, "m:v")) != -1) {
		if (c == 'm')
			cfg.mem_device = optarg;
		else if (c == 'v')
			cfg.verbose = 1;
		else
			return 2;
	}
	f = fopen(cfg.mem_device, "rb"); // CHECK: DM001
	if (f == NULL) {
		perror(cfg.mem_device);
		return 1;
	}
	if (fseek(f, 0xE0000, SEEK_SET) != 0 || fread(win, 1, 0x10000, f) != 0x10000) { // CHECK: DM003 range=0xe0000-0xeffff class=acpi-rsdp-window
		fclose(f);
		return 1;
	}
	fclose(f);
	for (off = 0; off < sizeof(win); off += 16)
		if (memcmp(win + off, "RSD PTR ", 8) == 0) // CHECK: DM005
			printf("RSDP at 0x%zx\n", 0xE0000 + off);
	if (cfg.verbose)
		fprintf(stderr, "scanned %s\n", cfg.mem_device);
	return 0;
}
