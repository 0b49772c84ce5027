// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {vm} from "../utils/Vm.sol";
import {DeviceRegistryTestBase} from "../DeviceRegistry/DeviceRegistryTestBase.sol";

/// @notice One transaction per test, measured whole with `forge snapshot --isolate` (see docs/gas.md).
/// Keys and signatures are random-looking 32-byte values, as real ones are (calldata cost included).
contract DeviceRegistryGasTest is DeviceRegistryTestBase {
    bytes32 internal sk2;
    bytes32 internal kak2;
    bytes internal sig2;
    bytes internal relayedSig;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        _add(alice);
        (sk2, kak2, sig2) = _device(2);
        deadline = block.timestamp + 1 hours;
        relayedSig = _signAdd(aliceKey, alice, 2, 0, deadline);
    }

    /// @notice First device of an account: the account slot goes from zero to non-zero.
    function test_Gas_AddDevice_First() public {
        (, address bob) = _makeKey("bob");
        vm.prank(bob);
        registry.addDevice(1, sk2, kak2, SUITE, sig2);
    }

    /// @notice A later device from the wallet: the target of the issue (<= 75,000).
    function test_Gas_AddDevice_Later() public {
        vm.prank(alice);
        registry.addDevice(2, sk2, kak2, SUITE, sig2);
    }

    /// @notice A later device relayed with an EOA's EIP-712 signature.
    function test_Gas_AddDeviceFor_Later() public {
        vm.prank(relayer);
        registry.addDeviceFor(alice, 2, sk2, kak2, SUITE, sig2, deadline, relayedSig);
    }

    /// @notice Revocation (refunds the cleared key-agreement key slot).
    function test_Gas_RevokeDevice() public {
        vm.prank(alice);
        registry.revokeDevice(1);
    }

    /// @notice Rotation of a key-agreement key.
    function test_Gas_RotateKeyAgreementKey() public {
        vm.prank(alice);
        registry.rotateKeyAgreementKey(1, kak2, sig2);
    }

    /// @notice Cancelling a signature nonce.
    function test_Gas_UseNonce() public {
        vm.prank(alice);
        registry.useNonce();
    }
}
