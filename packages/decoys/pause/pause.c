/*
 * PID 1 of a decky's base container: owns the network namespace the decoy, shaper and custom service
 * containers join, announces the decky's MAC on the LAN once, then sleeps until SIGTERM/SIGINT (PID 1
 * has no default signal actions: without handlers `docker stop` would wait for SIGKILL).
 *
 * Also PID 1 of the stack shaper container (`pause <command…>`): it runs the command (the shaper's
 * one-off tc work) to its end, exits with its status if it failed, and otherwise sleeps, so the
 * container stays up under its restart policy and a daemon restart runs the command again.
 *
 * C, not Node: it does nothing for the decky's whole life, and a Node runtime doing nothing still
 * holds ~6 MiB (measured, spec §10 fleet density); this holds ~0.1 MiB. Built by image/build.ts with
 * the host's C compiler against the same libc the image carries for node.
 *
 * The announce: a decky taking over an address (a redeploy, a repair, a mutation) has a new MAC, and
 * every neighbour cache still maps the address to the old one for up to a minute. One datagram to
 * the gateway's discard port makes the kernel broadcast an ARP request from the new MAC, which the
 * gateway and every Linux neighbour holding an entry for this address take as its new owner.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signal_number) {
  (void)signal_number;
  _exit(0);
}

/* The IPv4 default gateway from /proc/net/route (hex, little-endian), or 0 when there is none. */
static in_addr_t default_gateway(void) {
  FILE *routes = fopen("/proc/net/route", "r");
  if (!routes) return 0;
  char line[256];
  in_addr_t gateway = 0;
  /* The first line holds the column names. */
  if (fgets(line, sizeof line, routes)) {
    while (fgets(line, sizeof line, routes)) {
      char device[64];
      unsigned int destination, via, flags;
      if (sscanf(line, "%63s %x %x %x", device, &destination, &via, &flags) != 4) continue;
      /* RTF_UP (0x1) and RTF_GATEWAY (0x2), destination 0.0.0.0. */
      if (destination == 0 && (flags & 0x3) == 0x3) {
        gateway = (in_addr_t)via;
        break;
      }
    }
  }
  fclose(routes);
  return gateway;
}

static int announce(char *gateway_text, size_t size) {
  in_addr_t gateway = default_gateway();
  if (gateway == 0) return 0;
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  if (sock < 0) return 0;
  struct sockaddr_in target;
  memset(&target, 0, sizeof target);
  target.sin_family = AF_INET;
  target.sin_port = htons(9);
  target.sin_addr.s_addr = gateway;
  int sent = sendto(sock, "", 0, 0, (struct sockaddr *)&target, sizeof target) == 0;
  close(sock);
  return sent && inet_ntop(AF_INET, &target.sin_addr, gateway_text, size) != NULL;
}

/* Runs `command` to its end; its exit status (128 + signal when killed). */
static int run(char **command) {
  pid_t child = fork();
  if (child < 0) return 127;
  if (child == 0) {
    execv(command[0], command);
    fprintf(stderr, "decnet-pause: cannot run %s\n", command[0]);
    _exit(127);
  }
  int status;
  while (waitpid(child, &status, 0) < 0) continue;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = stop;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  if (argc > 1) {
    int status = run(argv + 1);
    if (status != 0) return status;
    for (;;) pause();
  }
  char gateway[INET_ADDRSTRLEN];
  if (announce(gateway, sizeof gateway)) fprintf(stderr, "decnet-pause: ready (announced to %s)\n", gateway);
  else fputs("decnet-pause: ready\n", stderr);
  for (;;) pause();
}
