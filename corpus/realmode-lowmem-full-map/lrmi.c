/* Models an LRMI/dosemu-style real-mode helper that maps the whole first megabyte at virtual
 * address 0 with MAP_FIXED before running BIOS code in vm86 mode, and peeks at the EBDA
 * segment pointer with pread. Checks: 0x0-0xFFFFF is low-megabyte; 0x40E word is real-mode-low. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define REAL_MEM_BASE ((void *)0x0)
#define REAL_MEM_SIZE 0x100000
#define BDA_EBDA_SEG 0x40E

int main(void)
{
	int fd;
	void *m;
	uint16_t ebda_seg = 0;

	fd = open("/dev/mem", O_RDWR); // CHECK: DM001
	if (fd == -1) {
		perror("lrmi: open");
		return 1;
	}
	if (pread(fd, &ebda_seg, sizeof(ebda_seg), BDA_EBDA_SEG) != sizeof(ebda_seg)) // CHECK: DM003 range=0x40e-0x40f class=real-mode-low
		ebda_seg = 0;
	m = mmap(REAL_MEM_BASE, REAL_MEM_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, // CHECK: DM002 range=0x0-0xfffff class=low-megabyte
		 MAP_FIXED | MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		perror("lrmi: mmap");
		return 1;
	}
	printf("EBDA segment 0x%04x\n", ebda_seg);
	return 0;
}
