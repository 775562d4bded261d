/* Trap: a turbostat-like reader that lseeks to an MSR number on /dev/cpu/N/msr and reads
 * 8 bytes. The offset looks like a small physical address but this is not a memory device.
 * Expected findings: none. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define MSR_IA32_APERF 0xE8
#define MSR_PLATFORM_INFO 0xCE

static int read_msr(int cpu, uint32_t msr, uint64_t *val)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (lseek(fd, msr, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	n = read(fd, val, sizeof(*val));
	close(fd);
	return n == (ssize_t)sizeof(*val) ? 0 : -1;
}

int main(void)
{
	uint64_t info, aperf;
	int fd0 = open("/dev/cpu/0/msr", O_RDONLY);

	if (fd0 >= 0) {
		if (pread(fd0, &info, sizeof(info), MSR_PLATFORM_INFO) == (ssize_t)sizeof(info))
			printf("base ratio %" PRIu64 "\n", (info >> 8) & 0xFF);
		close(fd0);
	}
	if (read_msr(0, MSR_IA32_APERF, &aperf) == 0)
		printf("APERF %" PRIu64 "\n", aperf);
	return 0;
}
