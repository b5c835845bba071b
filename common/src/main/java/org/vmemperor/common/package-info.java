/** The shared XenAPI client module: every service talks to the pool through here. */
package org.vmemperor.common;
