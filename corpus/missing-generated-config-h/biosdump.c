/* Models an autotools package scanned before ./configure ran: the generated config.h is missing
 * and with it the HAVE_ and PACKAGE_ macros. The rest of the file still parses against an empty
 * stand-in, so the open (DM001) and the map of the BIOS area (DM002 bios-area) are found, at low
 * confidence; the run carries a note naming config.h, so --strict exits 3. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef PACKAGE_STRING
#define PACKAGE_STRING "biosdump"
#endif

#ifdef HAVE_SYS_IO_H
#include <sys/io.h>
#endif

#define MEM_DEVICE "/dev/mem"
#define BIOS_BASE 0xF0000
#define BIOS_SIZE 0x10000

int main(void)
{
	const unsigned char *bios;
	int fd;

	printf("%s\n", PACKAGE_STRING);
	fd = open(MEM_DEVICE, O_RDONLY); // CHECK: DM001 confidence=low
	if (fd < 0) {
		perror(MEM_DEVICE);
		return 1;
	}
	bios = mmap(NULL, BIOS_SIZE, PROT_READ, MAP_SHARED, fd, BIOS_BASE); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area confidence=low
	if (bios == MAP_FAILED) {
		close(fd);
		return 1;
	}
	printf("BIOS date %.8s\n", (const char *)bios + 0xFFF5);
	munmap((void *)bios, BIOS_SIZE);
	close(fd);
	return 0;
}
