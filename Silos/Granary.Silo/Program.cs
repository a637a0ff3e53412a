Console.Error.WriteLine("granary-silo: the host is being built (issue 2); nothing runs yet.");
return 1;
