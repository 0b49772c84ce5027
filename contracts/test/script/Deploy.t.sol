// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";
import {Deploy} from "../../script/Deploy.s.sol";

/// @notice Runs the deploy script and checks the contracts and the JSON it writes.
contract DeployTest is Test, Deploy {
    function test_Run_DeploysAndWritesJson() public {
        // A chain id of its own so the test never touches a real deployment file.
        vm.chainId(424242);
        Deployment memory d = this.run();
        vm.assertTrue(address(d.deviceRegistry).code.length > 0);
        vm.assertTrue(address(d.tipJar).code.length > 0);
        vm.assertTrue(d.deviceRegistry.DOMAIN_SEPARATOR() != 0);
        vm.assertEq(d.deviceRegistry.nextDeviceId(address(this)), 1);

        string memory json = vm.readFile(deploymentPath());
        vm.assertEq(vm.parseJsonUint(json, ".chainId"), 424242);
        vm.assertEq(vm.parseJsonAddress(json, ".deviceRegistry"), address(d.deviceRegistry));
        vm.assertEq(vm.parseJsonAddress(json, ".tipJar"), address(d.tipJar));
        vm.assertEq(vm.parseJsonUint(json, ".deviceRegistryBlock"), block.number);
        vm.removeFile(deploymentPath());
    }
}
