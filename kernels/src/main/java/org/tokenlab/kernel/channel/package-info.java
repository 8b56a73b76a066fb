/** The kernel's ZeroMQ sockets: bound only where the connection file says, HMAC-checked, dropping wrongly signed messages. */
package org.tokenlab.kernel.channel;
