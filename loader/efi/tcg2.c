/* The firmware's TPM, through its EFI_TCG2_PROTOCOL (TCG EFI Protocol
 * Specification, family 2.0): found once; then PCRs extended with their event
 * logged by the firmware (HashLogExtendEvent), and the firmware's log read. */
#include "efi.h"
#include "tpm_log.h"

#define TCG2_EVENT_LOG_FORMAT_TCG_2 0x00000002
#define TCG2_EVENT_HEADER_VERSION   1
/* One entry of the firmware's log is far smaller: an upper bound for reading
 * the last one, whose end GetEventLog does not give. */
#define LAST_ENTRY_MAX 0x100000

struct tcg2_version {
	UINT8 major, minor;
};

/* Naturally aligned (36 bytes); only the events are packed. */
struct tcg2_capability {
	UINT8 size;
	struct tcg2_version structure_version, protocol_version;
	UINT32 hash_algorithm_bitmap, supported_event_logs;
	BOOLEAN tpm_present;
	UINT16 max_command_size, max_response_size;
	UINT32 manufacturer_id, number_of_pcr_banks, active_pcr_banks;
};
_Static_assert(sizeof(struct tcg2_capability) == 36, "EFI_TCG2_BOOT_SERVICE_CAPABILITY");

#pragma pack(1)
struct tcg2_event_header {
	UINT32 header_size;
	UINT16 header_version;
	UINT32 pcr_index, event_type;
};

struct tcg2_event {
	UINT32 size;
	struct tcg2_event_header header;
	UINT8 event[TCG2_EVENT_DATA_MAX];
};
#pragma pack()
_Static_assert(sizeof(struct tcg2_event_header) == 14, "EFI_TCG2_EVENT_HEADER");

struct tcg2_protocol;
typedef EFI_STATUS(EFIAPI *tcg2_get_capability)(struct tcg2_protocol *self,
						struct tcg2_capability *cap);
typedef EFI_STATUS(EFIAPI *tcg2_get_event_log)(struct tcg2_protocol *self, UINT32 format,
					       EFI_PHYSICAL_ADDRESS *location,
					       EFI_PHYSICAL_ADDRESS *last_entry,
					       BOOLEAN *truncated);
typedef EFI_STATUS(EFIAPI *tcg2_hash_log_extend_event)(struct tcg2_protocol *self, UINT64 flags,
						       EFI_PHYSICAL_ADDRESS data, UINT64 len,
						       struct tcg2_event *event);

struct tcg2_protocol {
	tcg2_get_capability get_capability;
	tcg2_get_event_log get_event_log;
	tcg2_hash_log_extend_event hash_log_extend_event;
	/* SubmitCommand, Get/SetActivePcrBanks, GetResultOfSetActivePcrBanks:
	 * not used. */
};

static EFI_GUID tcg2_guid = {
    0x607f766c, 0x7455, 0x42be, {0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f}};
static struct tcg2_protocol *tcg2;
static struct tcg2_event event;

status_t efi_tcg2_find(uint32_t *banks)
{
	struct tcg2_protocol *p = 0;
	*banks = 0;
	/* No protocol: a firmware without a TPM (OVMF installs none then). */
	if (EFI_ERROR(efi_st->BootServices->LocateProtocol(&tcg2_guid, 0, (void **)&p)) || !p)
		return lb_ok();
	struct tcg2_capability cap = {.size = sizeof(cap)};
	EFI_STATUS st = p->get_capability(p, &cap);
	if (EFI_ERROR(st))
		return lb_fail(LB_E_TCG2_CAPABILITY, st, cap.size);
	if (!cap.tpm_present)
		return lb_ok();
	tcg2 = p;
	*banks = cap.active_pcr_banks;
	return lb_ok();
}

bool efi_tcg2_present(void)
{
	return tcg2 != 0;
}

status_t efi_tcg2_extend(uint32_t pcr, uint32_t type, uint64_t data, uint64_t len, const void *desc,
			 uint32_t desc_len)
{
	if (desc_len > TCG2_EVENT_DATA_MAX)
		desc_len = TCG2_EVENT_DATA_MAX;
	event.size = (UINT32)(sizeof(event) - sizeof(event.event) + desc_len);
	event.header =
	    (struct tcg2_event_header){sizeof(event.header), TCG2_EVENT_HEADER_VERSION, pcr, type};
	for (uint32_t i = 0; i < desc_len; i++)
		event.event[i] = ((const uint8_t *)desc)[i];
	EFI_STATUS st = tcg2->hash_log_extend_event(tcg2, 0, data, len, &event);
	return EFI_ERROR(st) ? lb_fail(LB_E_TCG2_EXTEND, st, pcr) : lb_ok();
}

status_t efi_tcg2_log_has(uint32_t pcr, uint32_t type, const void *prefix, uint32_t len,
			  bool *found)
{
	EFI_PHYSICAL_ADDRESS at = 0, last = 0;
	BOOLEAN truncated = 0;
	*found = false;
	EFI_STATUS st =
	    tcg2->get_event_log(tcg2, TCG2_EVENT_LOG_FORMAT_TCG_2, &at, &last, &truncated);
	/* A truncated log may lack the very event looked for. */
	if (EFI_ERROR(st) || !at || truncated)
		return lb_fail(LB_E_TCG2_LOG, st, truncated);
	/* An empty log: last is 0, or the header itself. */
	if (!last || last < at)
		return lb_ok();
	if (last - at > UINT32_MAX - LAST_ENTRY_MAX)
		return lb_fail(LB_E_TPM_LOG_BAD, last - at, 0);
	uint32_t off = (uint32_t)(last - at);
	return tpm_log_find((const uint8_t *)(uintptr_t)at, off + LAST_ENTRY_MAX, off, pcr, type,
			    prefix, len, found);
}
