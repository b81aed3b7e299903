// MAC addresses as DECNET stores them. A decky's MAC is its persona's: a vendor OUI fitting its
// hardware plus a keyed hash of its seed (persona/derive.ts), never a function of its name.

export const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/
