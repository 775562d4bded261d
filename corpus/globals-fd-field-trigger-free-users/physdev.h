#ifndef PHYSDEV_H
#define PHYSDEV_H

struct phys_dev {
	int fd;
	unsigned long base;
};

extern int g_physfd;
extern struct phys_dev g_vga;

int phys_open(void);
int vga_open(struct phys_dev *dev);
int bios_date(char out[8]);
void *vga_window(const struct phys_dev *dev);

#endif
