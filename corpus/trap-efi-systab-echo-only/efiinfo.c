/* Trap: prints the EFI system table verbatim for a support bundle; it never looks for
 * SMBIOS/ACPI addresses in it and never touches a memory device. Expected findings: none. */
#include <stdio.h>

int main(void)
{
	char line[256];
	FILE *f = fopen("/sys/firmware/efi/systab", "r");

	if (f == NULL) {
		puts("not booted via EFI");
		return 0;
	}
	puts("--- efi systab ---");
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stdout);
	fclose(f);
	return 0;
}
