/** Every compatibility scenario, in the order of docs/pyro4-examples.md. */
import type { Scenario } from "../harness/scenario.js";
import { attributes, autoproxy, banks, instancemode, nonameserver, streaming, thirdpartylib, thirdpartylib2, unixdomainsock } from "./basics.js";
import { asyncBatch, asyncCallchain, asyncClient, batchedcalls, callback, callback2, callcontext, handshake, oneway, ssl } from "./calls.js";
import {
  circular,
  distributedComputing,
  distributedComputing2,
  distributedComputing3,
  nsMetadata,
  stockquotesOld,
  shoppingcart,
  stockquotes,
  stockquotesPhase3,
  usersession,
} from "./naming.js";
import { filetransfer, hugetransfer, serCustom, timezones } from "./data.js";
import { http } from "./gateway.js";
import { chatbox, messagebus } from "./messaging.js";
import { autoreconnect, autoreconnectNS, autoretry, disconnects, resourcetracking } from "./reconnects.js";
import { echoserver, exceptions, maxsize, timeout } from "./errors-and-limits.js";
import { warehouse, warehousePhase2 } from "./warehouse.js";

export const SCENARIOS: readonly Scenario[] = [
  warehouse,
  warehousePhase2,
  nonameserver,
  attributes,
  autoproxy,
  banks,
  streaming,
  thirdpartylib,
  thirdpartylib2,
  unixdomainsock,
  instancemode,
  echoserver,
  maxsize,
  exceptions,
  timeout,
  oneway,
  callback,
  callback2,
  callcontext,
  handshake,
  ssl,
  batchedcalls,
  asyncClient,
  asyncBatch,
  asyncCallchain,
  disconnects,
  autoretry,
  autoreconnect,
  autoreconnectNS,
  resourcetracking,
  nsMetadata,
  stockquotes,
  stockquotesPhase3,
  stockquotesOld,
  circular,
  distributedComputing,
  distributedComputing2,
  distributedComputing3,
  shoppingcart,
  usersession,
  timezones,
  serCustom,
  hugetransfer,
  filetransfer,
  messagebus,
  chatbox,
  http,
];
