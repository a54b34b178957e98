package cn

import "strconv"

// ID names a connector message family and a message within it: the
// callback key of the kernel's connector.
//
//	struct cb_id {
//		__u32 idx;
//		__u32 val;
//	};
type ID struct {
	Idx uint32 // the family; also its multicast group
	Val uint32 // the message within the family
}

func (id ID) String() string {
	return strconv.FormatUint(uint64(id.Idx), 10) + ":" + strconv.FormatUint(uint64(id.Val), 10)
}

// Family indexes the kernel assigns (CN_IDX_* in <linux/connector.h>).
// User-defined families start at [IdxUsers].
const (
	IdxProc  = 0x1 // CN_IDX_PROC: process events
	IdxCIFS  = 0x2 // CN_IDX_CIFS
	IdxW1    = 0x3 // CN_W1_IDX: 1-wire
	IdxV86D  = 0x4 // CN_IDX_V86D: uvesafb
	IdxBB    = 0x5 // CN_IDX_BB
	IdxDST   = 0x6 // CN_DST_IDX
	IdxDM    = 0x7 // CN_IDX_DM: dm-log-userspace
	IdxDRBD  = 0x8 // CN_IDX_DRBD
	IdxKVP   = 0x9 // CN_KVP_IDX: Hyper-V key-value pairs
	IdxVSS   = 0xa // CN_VSS_IDX: Hyper-V volume shadow copy
	IdxUsers = 11  // CN_NETLINK_USERS: the first index free for users
)

// Group returns the multicast group the kernel uses for the family: its
// idx (cn_netlink_send with group 0 sends to group idx).
func (id ID) Group() uint32 { return id.Idx }
