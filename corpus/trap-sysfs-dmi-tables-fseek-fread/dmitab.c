/* Trap: the recommended replacement path: fopen + fseek + fread of the kernel-exported SMBIOS
 * table, at an offset taken from the entry point. Expected findings: none. */
#include <stdio.h>
#include <stdlib.h>

static unsigned char structs[0x10000];

int main(int argc, char **argv)
{
	FILE *f = fopen("/sys/firmware/dmi/tables/DMI", "rb");
	long skip = argc > 1 ? strtol(argv[1], NULL, 0) : 0;
	size_t n;

	if (f == NULL) {
		perror("DMI table");
		return 1;
	}
	if (fseek(f, skip, SEEK_SET) != 0) {
		fclose(f);
		return 1;
	}
	n = fread(structs, 1, sizeof(structs), f);
	fclose(f);
	printf("first structure type %u, %zu bytes\n", n ? structs[0] : 0, n);
	return 0;
}
