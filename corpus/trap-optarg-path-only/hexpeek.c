/* Trap: a generic hex viewer that seeks and reads whatever file the user names; the help text
 * suggests /dev/mem as an example but no device path ever reaches the open.
 * Expected findings: none (a path taken only from argv is not a device path). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned char buf[256];
	off_t off;
	ssize_t n, i;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE OFFSET   (e.g. %s /dev/mem 0xf0000)\n", argv[0], argv[0]);
		return 2;
	}
	off = (off_t)strtoull(argv[2], NULL, 0);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (lseek(fd, off, SEEK_SET) != off) {
		close(fd);
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (i = 0; i < n; i++)
		printf("%02x%c", buf[i], (i % 16 == 15) ? '\n' : ' ');
	return 0;
}
