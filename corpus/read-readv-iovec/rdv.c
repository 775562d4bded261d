/* Models a tool that pulls an SMBIOS 2.1 entry point (anchor half and body half) into two
 * buffers with one readv after an lseek to a paragraph chosen on the command line.
 * Checks: DM001 and DM003 at readv; the offset is not constant, so class=unknown. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char anchor[16], body[16];
	struct iovec iov[2];
	unsigned long addr;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ADDRESS\n", argv[0]);
		return 2;
	}
	addr = 0xF0000 + (strtoul(argv[1], NULL, 16) & 0xFFF0);
	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0)
		return 1;
	iov[0].iov_base = anchor;
	iov[0].iov_len = sizeof(anchor);
	iov[1].iov_base = body;
	iov[1].iov_len = sizeof(body);
	if (lseek(fd, (off_t)addr, SEEK_SET) < 0 || readv(fd, iov, 2) != 32) { // CHECK: DM003 class=unknown
		close(fd);
		return 1;
	}
	close(fd);
	printf("entry point length %u, version %u.%u\n", anchor[5], anchor[6], anchor[7]);
	return 0;
}
