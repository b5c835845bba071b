package org.vmemperor.console.relay;

import org.vmemperor.console.service.ConsoleTickets;

/**
 * A /console WebSocket whose secret was accepted: the ticket it was bound to, the VM (by ref, as the cache's change
 * feed names it) and where its console is. The pool session reference is a credential: it is never logged.
 */
record Admission(ConsoleTickets.Ticket ticket, String vmRef, String location, String sessionReference) {
}
