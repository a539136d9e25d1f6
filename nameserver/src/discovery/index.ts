/**
 * How clients find the name server: the UDP broadcast responder (Pyro4-compatible) and the mDNS
 * advertisement.
 */
export { type BroadcastResponder, type BroadcastResponderOptions, mayAnswer, replyText, startBroadcastResponder } from "./broadcast.js";
export { interfaceAddressFor, routedAddressFor, subnetAddressFor } from "./interfaces.js";
export { type MdnsAdvertisement, type MdnsOptions, advertiseMdns } from "./mdns.js";
