/* Physical-memory mapping layer of a flash tool: one global /dev/mem descriptor opened on
 * first use and a physmap(descr, phys, len) wrapper whose range depends on its parameters. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "programmer.h"

static int fd_mem = -1;

static int get_mem_fd(void)
{
	if (fd_mem != -1)
		return 0;
	fd_mem = open("/dev/mem", O_RDWR | O_SYNC); // CHECK: DM001
	if (fd_mem == -1) {
		perror("Error: cannot open /dev/mem (are you root?)");
		return -1;
	}
	return 0;
}

void *physmap(const char *descr, uintptr_t phys_addr, size_t len)
{
	void *virt;

	if (len == 0 || get_mem_fd() != 0)
		return NULL;
	virt = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd_mem, (off_t)phys_addr); // CHECK: DM002 class=unknown
	if (virt == MAP_FAILED) {
		fprintf(stderr, "Error accessing %s, 0x%zx bytes at 0x%08lx\n", descr, len,
			(unsigned long)phys_addr);
		return NULL;
	}
	return virt;
}

void physunmap(void *virt_addr, size_t len)
{
	if (virt_addr != NULL)
		munmap(virt_addr, len);
}
