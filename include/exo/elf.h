/*
 * exo/elf.h — the parts of the ELF64 format Exo's two loaders read: the
 * kernel's, for the programs the boot list starts (hw/riscv64/kernel/boot.c),
 * and libposix's user-level one for exec (libposix/image_elf.c). Layouts as
 * the ELF specification gives them, little-endian.
 */
#ifndef EXO_ELF_H
#define EXO_ELF_H

#include <stdint.h>

struct exo_elf64_ehdr {
	uint8_t ident[16];          /* "\177ELF", class (2: 64-bit), data (1: little-endian), ... */
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct exo_elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define EXO_ET_EXEC 2
#define EXO_EM_RISCV 243
#define EXO_PT_LOAD 1
#define EXO_PT_INTERP 3
#define EXO_PF_X 1
#define EXO_PF_W 2
#define EXO_PF_R 4

#endif
