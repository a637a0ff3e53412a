Console.Error.WriteLine("spec runner not written yet (issue 4)");
return 1;
