/* Models a dmidecode-like SMBIOS reader: the memory device path lives in a struct field that
 * defaults to /dev/mem and can be overridden with -d FILE; physical access goes through the
 * cross-file mem_chunk() wrapper (map with read fallback), fed once with the constant BIOS
 * window and once with an address found in efi/systab (not constant: no call-site finding). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_MEM_DEV "/dev/mem"
#define SYS_ENTRY_FILE "/sys/firmware/dmi/tables/smbios_entry_point"
#define SYS_TABLE_FILE "/sys/firmware/dmi/tables/DMI"

struct options {
	const char *devmem;
	const char *dumpfile;
	unsigned int flags;
};

static struct options opt;

static void usage(const char *argv0)
{
	printf("Usage: %s [-d FILE] [-q]\n", argv0);
	printf("  -d FILE   read memory from device FILE (default: " DEFAULT_MEM_DEV ")\n");
}

static int address_from_efi(off_t *address)
{
	FILE *efi;
	char linebuf[64];
	int ret = -1;

	if ((efi = fopen("/sys/firmware/efi/systab", "r")) == NULL) // CHECK: DM006
		efi = fopen("/proc/efi/systab", "r"); // CHECK: DM006
	if (efi == NULL)
		return -1;
	while (fgets(linebuf, sizeof(linebuf) - 1, efi) != NULL) {
		char *addrp = strchr(linebuf, '=');
		if (addrp == NULL)
			continue;
		if (strncmp(linebuf, "SMBIOS3=", 8) == 0 || strncmp(linebuf, "SMBIOS=", 7) == 0) {
			*address = (off_t)strtoull(addrp + 1, NULL, 0);
			ret = 0;
			break;
		}
	}
	fclose(efi);
	return ret;
}

static int decode_entry(const unsigned char *buf)
{
	if (memcmp(buf, "_SM3_", 5) == 0) { // CHECK: DM005
		printf("SMBIOS 3 entry point\n");
		return 1;
	}
	if (memcmp(buf, "_SM_", 4) == 0) { // CHECK: DM005
		printf("SMBIOS 2 entry point\n");
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned char *buf;
	size_t size = 0x20;
	off_t fp;
	int c;
	int found = 0;

	opt.devmem = DEFAULT_MEM_DEV;
	while ((c = getopt(argc, argv, "d:qh")) != -1) {
		switch (c) {
		case 'd':
			opt.devmem = optarg;
			break;
		case 'q':
			opt.flags |= 1;
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}

	/* Preferred: the kernel exports the entry point. */
	buf = read_file(0, &size, SYS_ENTRY_FILE);
	if (buf != NULL) {
		found = decode_entry(buf);
		free(buf);
		if (found)
			return 0;
	}

	if (address_from_efi(&fp) == 0) {
		buf = mem_chunk(fp, 0x20, opt.devmem);
		if (buf != NULL) {
			found = decode_entry(buf);
			free(buf);
		}
		return found ? 0 : 1;
	}

	buf = mem_chunk(0xF0000, 0x10000, opt.devmem); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	// CHECK@-1: DM003 range=0xf0000-0xfffff class=bios-area
	if (buf == NULL)
		return 1;
	for (fp = 0; fp <= 0xFFE0; fp += 16) {
		if (decode_entry(buf + fp)) {
			found = 1;
			break;
		}
		if (memcmp(buf + fp, "_DMI_", 5) == 0) { // CHECK: DM005
			printf("legacy DMI entry point at 0x%05lx\n", (long)(0xF0000 + fp));
			found = 1;
			break;
		}
	}
	free(buf);
	return found ? 0 : 1;
}
