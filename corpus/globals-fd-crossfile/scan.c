/* Scanners that use the global descriptor opened in memstate.c. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memstate.h"

int scan_acpi_window(void)
{
	const char *p = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, g_memfd, 0xE0000); // CHECK: DM002 range=0xe0000-0xeffff class=acpi-rsdp-window
	unsigned int off;
	int hit = 0;

	if (p == MAP_FAILED)
		return 0;
	for (off = 0; off < 0x10000; off += 16)
		if (memcmp(p + off, "RSD PTR ", 8) == 0) // CHECK: DM005
			hit = 1;
	munmap((void *)p, 0x10000);
	return hit;
}

int scan_bios(void)
{
	char sig[4];

	if (lseek(g_memfd, 0xFFFF5, SEEK_SET) < 0)
		return 0;
	if (read(g_memfd, sig, sizeof(sig)) != (ssize_t)sizeof(sig)) // CHECK: DM003 range=0xffff5-0xffff8 class=bios-area
		return 0;
	return sig[2] == '/';
}
