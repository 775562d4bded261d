/* Models a firmware-version probe with an architecture split: on SPARC it opened /dev/mem
 * under #ifdef __sparc__ (inactive on x86_64 Linux: DM007, lexical, low confidence), on
 * everything else the same open is compiled (DM001) and the BIOS area is mapped (DM002). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int open_firmware(void)
{
	int fd;
#ifdef __sparc__
	fd = open("/dev/mem", O_RDONLY); // CHECK: DM007 confidence=low category=device-open
	if (fd >= 0)
		fprintf(stderr, "using OBP window\n");
#else
	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001 category=device-open confidence=high
#endif
	return fd;
}

int main(void)
{
	int fd = open_firmware();
	const char *bios;

	if (fd < 0)
		return 1;
	bios = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	close(fd);
	if (bios == MAP_FAILED)
		return 1;
	if (memchr(bios, 'B', 0x10000) != NULL)
		puts("BIOS strings present");
	munmap((void *)bios, 0x10000);
	return 0;
}
