/* Trap: a vm86 emulator stub that builds a fake low megabyte from /dev/zero (and anonymous
 * memory) with MAP_FIXED at real-mode addresses. Nothing comes from a memory device.
 * Expected findings: none. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	int zfd = open("/dev/zero", O_RDWR);
	void *low, *bios;

	if (zfd < 0)
		return 1;
	low = mmap((void *)0x10000, 0x90000, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_FIXED, zfd, 0);
	bios = mmap((void *)0xF0000, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, zfd, 0xF0000);
	close(zfd);
	if (low == MAP_FAILED || bios == MAP_FAILED) {
		perror("mmap /dev/zero");
		return 1;
	}
	memset(bios, 0xCF, 0x10000); /* IRET everywhere */
	puts("fake real-mode memory ready");
	return 0;
}
