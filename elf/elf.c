#include "elf.h"
#include "../loader/libc/string.h"

#define EI_CLASS    4
#define EI_DATA	    5
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC	    2
#define EM_386	    3
#define EM_X86_64   62

static status_t add_segment(struct elf_image *img, uint32_t type, uint64_t offset, uint64_t paddr,
			    uint64_t filesz, uint64_t memsz, uint64_t file_size, uint32_t index)
{
	if (offset > file_size || filesz > file_size - offset)
		return lb_fail(LB_E_ELF_SEGMENT_OUTSIDE, index, offset);
	if (type == ELF_PT_NOTE) {
		if (img->nnote == ELF_MAX_SEGMENTS)
			return lb_fail(LB_E_ELF_TOO_MANY, index, ELF_MAX_SEGMENTS);
		img->note[img->nnote++] = (struct elf_segment){offset, paddr, filesz, filesz};
		return lb_ok();
	}
	if (type != ELF_PT_LOAD)
		return lb_ok();
	if (memsz < filesz)
		return lb_fail(LB_E_ELF_MEMSZ, index, memsz);
	if (memsz == 0)
		return lb_ok();
	if (paddr + memsz < paddr)
		return lb_fail(LB_E_ELF_SEGMENT_WRAPS, index, paddr);
	for (uint32_t i = 0; i < img->nload; i++) {
		const struct elf_segment *o = &img->load[i];
		if (paddr < o->paddr + o->memsz && o->paddr < paddr + memsz)
			return lb_fail(LB_E_ELF_OVERLAP, index, paddr);
	}
	if (img->nload == ELF_MAX_SEGMENTS)
		return lb_fail(LB_E_ELF_TOO_MANY, index, ELF_MAX_SEGMENTS);
	img->load[img->nload++] = (struct elf_segment){offset, paddr, filesz, memsz};
	if (img->nload == 1 || paddr < img->lo)
		img->lo = paddr;
	if (paddr + memsz > img->hi)
		img->hi = paddr + memsz;
	return lb_ok();
}

status_t elf_parse(struct elf_image *img, const void *head, size_t len, uint64_t file_size)
{
	const uint8_t *p = head;
	uint64_t phoff;
	uint32_t phnum, phentsize, want;

	memset(img, 0, sizeof(*img));
	if (len > file_size)
		len = (size_t)file_size;
	if (len < sizeof(struct elf32_ehdr) || !elf_is_elf(p, len))
		return lb_fail(LB_E_ELF_NOT_ELF, len, 0);
	if (p[EI_DATA] != ELFDATA2LSB)
		return lb_fail(LB_E_ELF_UNSUPPORTED, p[EI_CLASS], p[EI_DATA]);
	if (p[EI_CLASS] == ELFCLASS64) {
		struct elf64_ehdr h;
		if (len < sizeof(h))
			return lb_fail(LB_E_ELF_NOT_ELF, len, 0);
		memcpy(&h, p, sizeof(h));
		if (h.type != ET_EXEC || h.machine != EM_X86_64)
			return lb_fail(LB_E_ELF_UNSUPPORTED, h.type, h.machine);
		img->is64 = true;
		img->entry = h.entry;
		phoff = h.phoff;
		phnum = h.phnum;
		phentsize = h.phentsize;
		want = sizeof(struct elf64_phdr);
	} else if (p[EI_CLASS] == ELFCLASS32) {
		struct elf32_ehdr h;
		memcpy(&h, p, sizeof(h));
		if (h.type != ET_EXEC || (h.machine != EM_386 && h.machine != EM_X86_64))
			return lb_fail(LB_E_ELF_UNSUPPORTED, h.type, h.machine);
		img->entry = h.entry;
		phoff = h.phoff;
		phnum = h.phnum;
		phentsize = h.phentsize;
		want = sizeof(struct elf32_phdr);
	} else {
		return lb_fail(LB_E_ELF_UNSUPPORTED, p[EI_CLASS], p[EI_DATA]);
	}
	if (phentsize != want || phnum == 0)
		return lb_fail(LB_E_ELF_BAD_PHDRS, phnum, phentsize);
	uint64_t table = (uint64_t)phnum * want;
	if (phoff > len || table > len - phoff)
		return lb_fail(LB_E_ELF_BAD_PHDRS, phnum, phoff);

	for (uint32_t i = 0; i < phnum; i++) {
		status_t s;
		if (img->is64) {
			struct elf64_phdr ph;
			memcpy(&ph, p + phoff + (uint64_t)i * want, sizeof(ph));
			s = add_segment(img, ph.type, ph.offset, ph.paddr, ph.filesz, ph.memsz,
					file_size, i);
		} else {
			struct elf32_phdr ph;
			memcpy(&ph, p + phoff + (uint64_t)i * want, sizeof(ph));
			s = add_segment(img, ph.type, ph.offset, ph.paddr, ph.filesz, ph.memsz,
					file_size, i);
		}
		if (s.code)
			return s;
	}
	if (!img->nload)
		return lb_fail(LB_E_ELF_NO_LOAD, phnum, 0);
	return lb_ok();
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ull;
}

status_t elf_find_pvh_entry(const void *notes, size_t len, uint64_t *entry)
{
	const uint8_t *p = notes;
	uint64_t off = 0;

	/* off never passes len: each step is checked against it first. */
	while (len - off >= sizeof(struct elf_note)) {
		struct elf_note n;
		memcpy(&n, p + off, sizeof(n));
		uint64_t name = off + sizeof(n);
		uint64_t desc = name + align4(n.namesz);
		uint64_t next = desc + align4(n.descsz);
		/* 32-bit sizes cannot overflow these 64-bit sums. */
		if (desc > len || next > len)
			return lb_fail(LB_E_ELF_BAD_NOTE, off, n.namesz);
		if (n.type == ELF_NOTE_XEN_PHYS32_ENTRY && n.namesz == 4 &&
		    memcmp(p + name, "Xen", 4) == 0) {
			/* The entry is 32 bits; some kernels pad the note to 64. */
			uint32_t e;
			if (n.descsz < sizeof(e))
				return lb_fail(LB_E_ELF_BAD_NOTE, off, n.descsz);
			memcpy(&e, p + desc, sizeof(e));
			*entry = e;
			return lb_ok();
		}
		off = next;
	}
	return lb_fail(LB_E_ELF_NO_PVH_NOTE, len, 0);
}
