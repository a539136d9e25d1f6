/**
 * @pyrots/nameserver — the name server, its tools, and the echo server.
 */
export { EchoServer, ECHO_OBJECT_ID } from "./echoserver.js";
