/*
 * hw/riscv64/kernel/console.c — the kernel's own output on the virt board's
 * 16550 UART, formatted printing, panics and power-off.
 *
 * The kernel writes to the UART only for its own messages and for
 * RV_SYS_DEBUG_WRITE (programs that run before a console server exists).
 */
#include <stdarg.h>

#include "kernel.h"

#define UART0 0x10000000ul
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define SIFIVE_TEST 0x100000ul
#define TEST_PASS 0x5555u
#define TEST_FAIL 0x3333u

static inline volatile uint8_t *uart(unsigned reg)
{
	return (volatile uint8_t *)(UART0 + reg);
}

/* No "\r" before "\n": the terminal at the other end maps it (QEMU's stdio keeps OPOST). */
void k_putc(char c)
{
	while (!(*uart(UART_LSR) & UART_LSR_THRE))
		;
	*uart(UART_THR) = (uint8_t)c;
}

void k_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		k_putc(s[i]);
}

static void put_num(uint64_t v, unsigned base, int width, char pad, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (n < width--)
		k_putc(pad);
	while (n > 0)
		k_putc(buf[--n]);
}

/* %s %c %d %u %x %p, with l/ll/z and a zero-padded width: what the kernel says. */
static void vkprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			k_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			k_write(s ? s : "(null)", __builtin_strlen(s ? s : "(null)"));
			break;
		}
		case 'c':
			k_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			put_num(v < 0 ? (uint64_t)-v : (uint64_t)v, 10, width, pad, v < 0);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad, false);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad, false);
			break;
		case 'p':
			k_write("0x", 2);
			put_num((uint64_t)(uintptr_t)va_arg(ap, void *), 16, 16, '0', false);
			break;
		case '%':
			k_putc('%');
			break;
		default:
			k_putc('%');
			k_putc(*fmt);
			break;
		}
	}
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

_Noreturn void k_poweroff(int status)
{
	if (status == 0)
		sbi_shutdown(0);
	/* SBI shutdown carries no status: the virt board's test device does. */
	*(volatile uint32_t *)SIFIVE_TEST = status == 0 ? TEST_PASS : ((uint32_t)(status & 0xffff) << 16) | TEST_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

_Noreturn void k_panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("\nexo kernel panic: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	k_poweroff(125);
}
