#ifndef MEMDEV_H
#define MEMDEV_H
#define DEV "/dev/mem"
int open_mem(void);
int open_config(const char *path);
#endif
