#ifndef MEMSTATE_H
#define MEMSTATE_H
extern int g_memfd;
int memstate_init(void);
void memstate_fini(void);
int scan_acpi_window(void);
int scan_bios(void);
#endif
