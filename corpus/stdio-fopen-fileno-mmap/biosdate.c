/* Models a BIOS-date printer that opens the device with fopen and maps it through fileno().
 * Checks: DM001 at fopen, DM002 through fileno(stream) with a bios-area range. */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	FILE *mem;
	const char *rom;

	mem = fopen("/dev/mem", "r"); // CHECK: DM001
	if (mem == NULL) {
		perror("fopen");
		return 1;
	}
	rom = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, fileno(mem), 0xF0000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	if (rom == MAP_FAILED) {
		fclose(mem);
		return 1;
	}
	/* The BIOS release date sits at F000:FFF5 as MM/DD/YY. */
	printf("BIOS date: %.8s\n", rom + 0xFFF5);
	munmap((void *)rom, 0x10000);
	fclose(mem);
	return 0;
}
