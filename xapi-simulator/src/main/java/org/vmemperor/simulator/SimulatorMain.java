package org.vmemperor.simulator;

public final class SimulatorMain {
    private SimulatorMain() {
    }

    public static void main(String[] args) {
    }
}
