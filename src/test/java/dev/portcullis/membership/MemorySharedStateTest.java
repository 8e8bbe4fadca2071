package dev.portcullis.membership;

/** The in-process store passes the contract. */
class MemorySharedStateTest extends OverlayStoreContract {
    @Override
    OverlayStore store() {
        return new MemorySharedState().overlay();
    }
}
