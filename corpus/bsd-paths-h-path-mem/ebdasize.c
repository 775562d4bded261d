/* Models a BSD-style tool that names the device with _PATH_MEM from <paths.h> (glibc defines it
 * as "/dev/mem"). Checks: DM001 through the macro and a page-0 map (real-mode-low). */
#include <fcntl.h>
#include <paths.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	const uint8_t *page0;
	uint16_t ebda_seg, basemem_kb;
	int fd;

	if ((fd = open(_PATH_MEM, O_RDONLY)) == -1) { // CHECK: DM001
		perror(_PATH_MEM);
		return 1;
	}
	page0 = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, fd, 0); // CHECK: DM002 range=0x0-0xfff class=real-mode-low
	close(fd);
	if (page0 == MAP_FAILED)
		return 1;
	ebda_seg = (uint16_t)(page0[0x40E] | (page0[0x40F] << 8));
	basemem_kb = (uint16_t)(page0[0x413] | (page0[0x414] << 8));
	printf("EBDA at 0x%05x, base memory %u KiB\n", ebda_seg << 4, basemem_kb);
	munmap((void *)page0, 0x1000);
	return 0;
}
