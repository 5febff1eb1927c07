"""The replica server as the tests watch it."""

from tools.server import ReplicaServer


class CountingServer(ReplicaServer):
    """The replica server, counting the requests it gets."""

    requests = 0

    async def handle(self, writer, method, target, headers) -> bool:
        self.requests += 1
        return await super().handle(writer, method, target, headers)
