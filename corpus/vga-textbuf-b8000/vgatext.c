/* Models a rescue-console tool that pokes the VGA colour text buffer directly.
 * Checks: DM001 through a `const char *const` path variable and a vga-hole map at 0xB8000. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *const mem_path = "/dev/mem";

#define VGA_TEXT_BASE 0xB8000
#define VGA_TEXT_SIZE 0x1000

static void put_line(volatile uint16_t *cells, int row, const char *msg)
{
	size_t i;
	for (i = 0; i < strlen(msg) && i < 80; i++)
		cells[row * 80 + i] = (uint16_t)(0x1F00 | (unsigned char)msg[i]);
}

int main(int argc, char **argv)
{
	int fd;
	volatile uint16_t *cells;

	fd = open(mem_path, O_RDWR | O_SYNC); // CHECK: DM001
	if (fd < 0) {
		perror(mem_path);
		return 1;
	}
	cells = mmap(NULL, VGA_TEXT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, VGA_TEXT_BASE); // CHECK: DM002 range=0xb8000-0xb8fff class=vga-hole
	if (cells == MAP_FAILED) {
		close(fd);
		return 1;
	}
	put_line(cells, 0, argc > 1 ? argv[1] : "system halted");
	munmap((void *)cells, VGA_TEXT_SIZE);
	close(fd);
	return 0;
}
