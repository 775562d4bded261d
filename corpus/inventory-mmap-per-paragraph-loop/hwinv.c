/* Models an inventory agent that maps one page per 16-byte paragraph while walking the BIOS
 * area looking for the SMBIOS anchor. The offset is a loop variable, not a constant.
 * Checks: DM002 class=unknown inside the loop, DM005 for "_SM_" and "_SM3_". */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	long pagesz = sysconf(_SC_PAGESIZE);
	unsigned long addr;
	int fd = open("/dev/mem", O_RDONLY); // CHECK: DM001

	if (fd < 0) {
		fprintf(stderr, "hwinv: cannot read firmware tables\n");
		return 1;
	}
	for (addr = 0xF0000; addr < 0x100000; addr += 16) {
		unsigned long page = addr & ~(unsigned long)(pagesz - 1);
		const char *m = mmap(NULL, (size_t)pagesz, PROT_READ, MAP_SHARED, fd, (off_t)page); // CHECK: DM002 class=unknown
		const char *p;

		if (m == MAP_FAILED)
			break;
		p = m + (addr - page);
		if (memcmp(p, "_SM3_", 5) == 0 || memcmp(p, "_SM_", 4) == 0) { // CHECK: DM005 // CHECK: DM005
			printf("smbios entry point at 0x%lx\n", addr);
			munmap((void *)m, (size_t)pagesz);
			break;
		}
		munmap((void *)m, (size_t)pagesz);
	}
	close(fd);
	return 0;
}
