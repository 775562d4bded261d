/* Trap: device nodes whose names merely start with "mem" (a bandwidth monitor, a numbered
 * memory-controller node, a vendor device). None of them is /dev/mem or /dev/kmem.
 * Expected findings: none. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	unsigned long long bw = 0;
	const unsigned char *regs;
	FILE *f;
	int fd;

	fd = open("/dev/memory_bandwidth", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, &bw, sizeof(bw)) == (ssize_t)sizeof(bw))
			printf("bandwidth %llu\n", bw);
		close(fd);
	}
	fd = open("/dev/mem0", O_RDONLY);
	if (fd >= 0) {
		regs = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, fd, 0xF0000);
		if (regs != MAP_FAILED)
			munmap((void *)regs, 0x1000);
		close(fd);
	}
	f = fopen("/dev/memfoo", "rb");
	if (f != NULL) {
		if (fseek(f, 0xE0000, SEEK_SET) == 0 && fread(&bw, sizeof(bw), 1, f) == 1)
			printf("memfoo %llx\n", bw);
		fclose(f);
	}
	return 0;
}
