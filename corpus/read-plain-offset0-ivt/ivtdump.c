/* Models a debugging aid that dumps the real-mode interrupt vector table with a plain read()
 * and no lseek, so the read starts at physical 0.
 * Checks: DM001, and DM003 range=0x0-0x3ff (real-mode-low) with no lseek before it. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	uint32_t ivt[256];
	int fd, i;

	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror("ivtdump");
		return 1;
	}
	if (read(fd, ivt, sizeof(ivt)) != (ssize_t)sizeof(ivt)) { // CHECK: DM003 range=0x0-0x3ff class=real-mode-low
		close(fd);
		return 1;
	}
	close(fd);
	for (i = 0; i < 256; i++)
		printf("INT %02Xh -> %04X:%04X\n", i, ivt[i] >> 16, ivt[i] & 0xFFFF);
	return 0;
}
