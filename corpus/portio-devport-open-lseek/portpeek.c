/* Models a port peek/poke utility that uses /dev/port instead of iopl: the port number is the
 * file offset. Checks: DM004 at the /dev/port open only (not DM001); the lseek/read/write on
 * that descriptor are not findings of their own. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long port;
	unsigned char val;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [VALUE]\n", argv[0]);
		return 2;
	}
	port = strtoul(argv[1], NULL, 0);
	fd = open("/dev/port", argc > 2 ? O_RDWR : O_RDONLY); // CHECK: DM004
	if (fd < 0) {
		perror("/dev/port");
		return 1;
	}
	if (lseek(fd, (off_t)port, SEEK_SET) < 0)
		return 1;
	if (argc > 2) {
		val = (unsigned char)strtoul(argv[2], NULL, 0);
		if (write(fd, &val, 1) != 1)
			return 1;
	} else {
		if (read(fd, &val, 1) != 1)
			return 1;
		printf("0x%02x\n", val);
	}
	close(fd);
	return 0;
}
