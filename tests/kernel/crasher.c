/*
 * tests/kernel/crasher.c — a program that writes where nothing is mapped:
 * its space must end with SIGSEGV, alone (tests/kernel/ipc_spaces.c).
 */
/* Under AddressSanitizer (the sim's second lane) the fault stays a plain SIGSEGV. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "handle_segv=0";
}

int main(void)
{
	*(volatile int *)(unsigned long)0x3000000000ull = 1;
	return 0;
}
