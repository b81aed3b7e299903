// SPDX-License-Identifier: GPL-2.0
//
// Egress TCP/IP stack shaper of a decky (tc clsact egress on eth0 inside the base container's
// network namespace). The kernel stays Linux; this rewrites what a scanner's OS detection reads
// from the packets it sends, in place and without changing any packet's length:
//   - SYN-ACK window field (the initial, unscaled advertisement only),
//   - SYN-ACK option ORDER (the kernel's negotiated values are kept: MSS, window scale, SACK,
//     timestamps are what the kernel really uses; only their layout moves),
//   - IPv4 ID: one incrementing counter for every packet of the namespace (Windows),
//   - RST without ACK: a non-zero acknowledgment field (Windows' A=O in nmap's T4/T6),
//   - RSTs and ICMP errors: another TTL (old embedded stacks answer closed ports with TTL 255),
//   - ICMP echo reply code forced to 0 (Windows answers code 0 to nmap's code-9 echo: CD=Z).
// TTL, timestamps on/off, SACK, window scaling, ECN come from per-netns sysctls and a route window
// clamp; see packages/core/src/catalog/tcp-stacks.ts. One program (section) per shaping profile.
// Rebuild with packages/decoys/shaper/build.sh; the committed object must match (a test checks).

#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

// linux/icmp.h drags in libc headers; the two fields used here.
#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__u32 rest;
};

struct profile {
	__u16 synack_window;  // 0: keep the kernel's
	__u8 synack_window_mss; // else: this many segments of the MSS in use (Linux 2.6's 4 x MSS)
	__u8 ws_after_mss;    // move the kernel's trailing NOP,WS right after MSS
	__u8 ip_id_counter;   // one incrementing IPv4 ID for every packet
	__u8 rst_ack_other;   // RST without ACK gets a non-zero ack field
	__u8 echo_code_zero;  // ICMP echo replies carry code 0
	__u8 reject_ttl;      // 0: keep; else the TTL of RSTs and ICMP errors (old embedded stacks)
	__u8 reject_ip_id_counter; // closed-port RSTs take their IPv4 ID from the counter (nmap CI=I)
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ip_id SEC(".maps");

#define IP_OFF ETH_HLEN
#define IP_CSUM_OFF (IP_OFF + offsetof(struct iphdr, check))

static __always_inline void set_ip_id(struct __sk_buff *skb, struct iphdr *ip)
{
	__u32 key = 0;
	__u32 *counter = bpf_map_lookup_elem(&ip_id, &key);
	if (!counter)
		return;
	if (*counter == 0)
		*counter = bpf_get_prandom_u32() | 1;
	__u16 next = bpf_htons((__u16)__sync_fetch_and_add(counter, 1));
	__u16 old = ip->id;
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, next, sizeof(__u16));
	bpf_skb_store_bytes(skb, IP_OFF + offsetof(struct iphdr, id), &next, sizeof(next), 0);
}

static __always_inline void set_ttl(struct __sk_buff *skb, struct iphdr *ip, __u8 ttl)
{
	if (ip->ttl == ttl)
		return;
	// TTL and protocol share one 16-bit word of the header checksum.
	__u16 old = bpf_htons(((__u16)ip->ttl << 8) | ip->protocol);
	__u16 next = bpf_htons(((__u16)ttl << 8) | ip->protocol);
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old, next, sizeof(__u16));
	bpf_skb_store_bytes(skb, IP_OFF + offsetof(struct iphdr, ttl), &ttl, sizeof(ttl), 0);
}

// Whether a socket owns the reset's port in this namespace: an old embedded stack resets probes of its
// open ports with its normal TTL and those of closed ports with another (nmap's T4 vs T5-T7).
static __always_inline int has_listener(struct __sk_buff *skb, struct iphdr *ip, struct tcphdr *tcp)
{
	// The tuple as the probe arrived: from the scanner to our port.
	struct bpf_sock_tuple tuple = {};
	tuple.ipv4.saddr = ip->daddr;
	tuple.ipv4.daddr = ip->saddr;
	tuple.ipv4.sport = tcp->dest;
	tuple.ipv4.dport = tcp->source;
	struct bpf_sock *sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return 0;
	bpf_sk_release(sk);
	return 1;
}

// Linux writes MSS first and NOP,WS last (tcp_options_write); Windows writes
// MSS, NOP,WS, then the rest. Moving 16-bit-aligned words leaves the TCP checksum unchanged.
#define ROTATE(len)                                                                     \
	do {                                                                            \
		__u8 in[len], out[len];                                                 \
		if (bpf_skb_load_bytes(skb, opt_off, in, len))                          \
			return;                                                         \
		if (in[0] != TCPOPT_MSS || in[len - 4] != TCPOPT_NOP || in[len - 3] != TCPOPT_WINDOW) \
			return;                                                         \
		__builtin_memcpy(out, in, 4);                                           \
		__builtin_memcpy(out + 4, in + len - 4, 4);                             \
		__builtin_memcpy(out + 8, in + 4, len - 8);                             \
		bpf_skb_store_bytes(skb, opt_off, out, len, 0);                         \
	} while (0)

#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3

static __always_inline void reorder_options(struct __sk_buff *skb, __u32 opt_off, __u32 opt_len)
{
	// Only the layouts that hold something between MSS and NOP,WS need a move.
	if (opt_len == 20)
		ROTATE(20);
	else if (opt_len == 16)
		ROTATE(16);
	else if (opt_len == 12)
		ROTATE(12);
}

static __always_inline int shape(struct __sk_buff *skb, const struct profile *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5)
		return TC_ACT_OK;
	__u8 protocol = ip->protocol;
	__u8 rst_from_closed_port = 0;
	__u8 is_icmp_error = 0;

	if (protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(ip + 1);
		if ((void *)(tcp + 1) > data_end)
			return TC_ACT_OK;
		__u32 tcp_off = IP_OFF + sizeof(struct iphdr);
		__u32 csum_off = tcp_off + offsetof(struct tcphdr, check);
		// Looked up before any write: writes invalidate the packet pointers.
		if (tcp->rst && p->reject_ttl)
			rst_from_closed_port = !has_listener(skb, ip, tcp);
		if (tcp->syn && tcp->ack) {
			__u32 opt_len = tcp->doff * 4 - sizeof(struct tcphdr);
			__u16 window = p->synack_window;
			if (p->synack_window_mss) {
				// Linux always writes MSS first; timestamps (12 bytes a segment) are on
				// exactly when the options take 16 bytes or more (tcp_options_write).
				__be16 mss_be = 0;
				if (bpf_skb_load_bytes(skb, tcp_off + sizeof(struct tcphdr) + 2, &mss_be, 2))
					return TC_ACT_OK;
				__u16 mss = bpf_ntohs(mss_be) - (opt_len >= 16 ? 12 : 0);
				window = mss * p->synack_window_mss;
			}
			if (window && tcp->window != bpf_htons(window)) {
				__u16 old = tcp->window;
				__u16 next = bpf_htons(window);
				bpf_l4_csum_replace(skb, csum_off, old, next, sizeof(__u16));
				bpf_skb_store_bytes(skb, tcp_off + offsetof(struct tcphdr, window), &next,
						    sizeof(next), 0);
			}
			if (p->ws_after_mss)
				reorder_options(skb, tcp_off + sizeof(struct tcphdr), opt_len);
		} else if (tcp->rst && !tcp->ack && p->rst_ack_other && tcp->ack_seq == 0) {
			__u32 next = bpf_get_prandom_u32() | 1;
			bpf_l4_csum_replace(skb, csum_off, 0, next, sizeof(__u32));
			bpf_skb_store_bytes(skb, tcp_off + offsetof(struct tcphdr, ack_seq), &next,
					    sizeof(next), 0);
		}
	} else if (protocol == IPPROTO_ICMP) {
		struct icmphdr *icmp = (void *)(ip + 1);
		if ((void *)(icmp + 1) > data_end)
			return TC_ACT_OK;
		is_icmp_error = icmp->type == ICMP_DEST_UNREACH;
		if (p->echo_code_zero && icmp->type == ICMP_ECHOREPLY && icmp->code != 0) {
			__u32 icmp_off = IP_OFF + sizeof(struct iphdr);
			__u16 old = *(__u16 *)icmp;  // type and code
			__u16 next = old;
			((__u8 *)&next)[1] = 0;
			bpf_l4_csum_replace(skb, icmp_off + offsetof(struct icmphdr, checksum), old, next,
					    sizeof(__u16));
			bpf_skb_store_bytes(skb, icmp_off + offsetof(struct icmphdr, code), &((__u8 *)&next)[1],
					    1, 0);
		}
	}

	// Helpers that write invalidate packet pointers: re-read the IP header before touching it.
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (is_icmp_error && p->reject_ttl)
		set_ttl(skb, ip, p->reject_ttl);
	if (rst_from_closed_port)
		set_ttl(skb, ip, p->reject_ttl);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (p->ip_id_counter || (rst_from_closed_port && p->reject_ip_id_counter))
		set_ip_id(skb, ip);
	return TC_ACT_OK;
}

// nmap-os-db "Microsoft Windows 10" / "Windows Server 2016/2019" majority:
// WIN(W1..W6=2000) OPS(O1=M5B4NW8ST11) T4(A=O) SEQ(TI=I%CI=I%II=I%SS=S) IE(CD=Z).
SEC("classifier/windows")
int windows(struct __sk_buff *skb)
{
	const struct profile p = {
		.synack_window = 8192,
		.ws_after_mss = 1,
		.ip_id_counter = 1,
		.rst_ack_other = 1,
		.echo_code_zero = 1,
	};
	return shape(skb, &p);
}

// nmap-os-db Linux 2.6 routers, WAPs and cameras: WIN(W1..W6=16A0) ECN(W=16D0) OPS(O1=M5B4ST11NW1).
SEC("classifier/embedded")
int embedded(struct __sk_buff *skb)
{
	const struct profile p = {
		.synack_window_mss = 4,
	};
	return shape(skb, &p);
}

// nmap-os-db "HP Designjet T1100ps or Z3100ps printer" (a Linux-based HP printer):
// WIN(W1..W6=16A0) ECN(W=16D0) OPS(O1=M5B4ST11NW2) T5-T7(T=FF) U1(T=FF) while T4 keeps T=40;
// closed-port RSTs with incrementing IDs (CI=I; the HP entry has no CI, Linux 2.6's say CI=Z).
// The rest is the kernel's own.
SEC("classifier/printer")
int printer(struct __sk_buff *skb)
{
	const struct profile p = {
		.synack_window_mss = 4,
		.reject_ttl = 255,
		.reject_ip_id_counter = 1,
	};
	return shape(skb, &p);
}

// Ingress, for stacks that answer nmap's T3 probe (SYN+FIN+URG+PSH to an open port) like a SYN,
// where Linux drops it: the probe's FIN, URG and PSH are cleared so the kernel answers SYN-ACK.
SEC("classifier/syn_fin_as_syn")
int syn_fin_as_syn(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	struct tcphdr *tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > data_end || !tcp->syn || !tcp->fin || tcp->ack || tcp->rst)
		return TC_ACT_OK;
	// Byte 13 of the TCP header holds the flags; the checksum covers it as the low half of a word.
	__u32 flags_off = IP_OFF + sizeof(struct iphdr) + 12;
	__u16 old = *(__u16 *)((void *)tcp + 12);
	__u16 next = old;
	((__u8 *)&next)[1] &= ~(0x01 | 0x08 | 0x20);  // FIN, PSH, URG
	bpf_l4_csum_replace(skb, IP_OFF + sizeof(struct iphdr) + offsetof(struct tcphdr, check), old, next,
			    sizeof(__u16));
	bpf_skb_store_bytes(skb, flags_off, &next, sizeof(next), 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
