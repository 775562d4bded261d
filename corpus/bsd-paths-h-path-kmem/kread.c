/* Models a kvm_read()-like helper built on _PATH_KMEM: reads a kernel address given on the
 * command line. Checks: DM001 through _PATH_KMEM and a pread with a non-constant offset. */
#include <fcntl.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static ssize_t kread(int kfd, unsigned long addr, void *buf, size_t len)
{
	return pread(kfd, buf, len, (off_t)addr); // CHECK: DM003 class=unknown
}

int main(int argc, char **argv)
{
	unsigned long addr, word = 0;
	int kfd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s KADDR\n", argv[0]);
		return 2;
	}
	addr = strtoul(argv[1], NULL, 16);
	kfd = open(_PATH_KMEM, O_RDONLY); // CHECK: DM001
	if (kfd < 0) {
		perror(_PATH_KMEM);
		return 1;
	}
	if (kread(kfd, addr, &word, sizeof(word)) != (ssize_t)sizeof(word))
		return 1;
	printf("%016lx\n", word);
	close(kfd);
	return 0;
}
