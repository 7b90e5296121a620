/* ELF32/ELF64 executables: header and program-header validation, loadable
 * segments, note lookup. Pure code: it reads buffers, never the hardware. */
#ifndef LEAPBOOT_ELF_H
#define LEAPBOOT_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../boot/status.h"

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __attribute__((packed));
_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, phoff) == 32, "e_phoff");
_Static_assert(__builtin_offsetof(struct elf64_ehdr, phnum) == 56, "e_phnum");

struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint32_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} __attribute__((packed));
_Static_assert(sizeof(struct elf32_ehdr) == 52, "Elf32_Ehdr");
_Static_assert(__builtin_offsetof(struct elf32_ehdr, phoff) == 28, "e_phoff");
_Static_assert(__builtin_offsetof(struct elf32_ehdr, phnum) == 44, "e_phnum");

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
} __attribute__((packed));
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr");
_Static_assert(__builtin_offsetof(struct elf64_phdr, paddr) == 24, "p_paddr");

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
} __attribute__((packed));
_Static_assert(sizeof(struct elf32_phdr) == 32, "Elf32_Phdr");
_Static_assert(__builtin_offsetof(struct elf32_phdr, paddr) == 12, "p_paddr");

struct elf_note {
	uint32_t namesz, descsz, type;
} __attribute__((packed));
_Static_assert(sizeof(struct elf_note) == 12, "Elf_Nhdr");

#define ELF_PT_LOAD	 1
#define ELF_PT_NOTE	 4
#define ELF_MAX_SEGMENTS 16

/* Xen's PVH entry note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY. */
#define ELF_NOTE_XEN_PHYS32_ENTRY 18

struct elf_segment {
	uint64_t offset; /* in the file */
	uint64_t paddr;
	uint64_t filesz, memsz;
};

struct elf_image {
	bool is64;
	uint64_t entry;
	uint32_t nload, nnote;
	struct elf_segment load[ELF_MAX_SEGMENTS];
	struct elf_segment note[ELF_MAX_SEGMENTS];
	uint64_t lo, hi; /* physical span of the loadable segments */
};

/* True if the n bytes at head start with the ELF magic, "\177ELF". */
static inline bool elf_is_elf(const void *head, size_t n)
{
	return n >= 4 && __builtin_memcmp(head, "\177ELF", 4) == 0;
}

/* Validates the ELF header and program headers found in the first len bytes of
 * a file of file_size bytes: every segment inside the file, memsz >= filesz, no
 * address overflow, no two loadable segments overlapping. */
status_t elf_parse(struct elf_image *img, const void *head, size_t len, uint64_t file_size);

/* Looks for the PVH entry note in a note segment's bytes. */
status_t elf_find_pvh_entry(const void *notes, size_t len, uint64_t *entry);

#endif
