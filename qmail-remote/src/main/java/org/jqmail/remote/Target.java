package org.jqmail.remote;

import java.net.InetAddress;

/** One address to try, with the preference of the MX it came from (0 for an A record or a relay). */
record Target(InetAddress address, int preference) {}
