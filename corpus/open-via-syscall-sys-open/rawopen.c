/* Models a tool that bypasses libc's open() (e.g. to dodge LD_PRELOAD interposition) with
 * syscall(SYS_open, ...). Checks: DM001 at the syscall call and DM002 through its result. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	int fd;
	const unsigned char *bios;

	fd = (int)syscall(SYS_open, "/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror("SYS_open");
		return 1;
	}
	bios = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000); // CHECK: DM002 range=0xf0000-0xfffff class=bios-area
	if (bios == MAP_FAILED) {
		close(fd);
		return 1;
	}
	printf("reset vector bytes: %02x %02x %02x\n", bios[0xFFF0], bios[0xFFF1], bios[0xFFF2]);
	munmap((void *)bios, 0x10000);
	close(fd);
	return 0;
}
