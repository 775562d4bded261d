#ifndef DEVPATH_H
#define DEVPATH_H
const char *mem_device(void);
const char *entry_point_file(void);
#endif
